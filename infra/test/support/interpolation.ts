/**
 * `${…}` text as Terraform, GitHub Actions and the ASL placeholders write it, built without a literal `${` in a
 * plain string (which Biome rightly flags as a probable template-literal mistake everywhere else).
 */
const interpolation = (expression: string): string => `\${${expression}}`;

export { interpolation };
