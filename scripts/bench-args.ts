/**
 * The command-line arguments the scan benchmarks share: `--<name> N` (a positive integer, for each name the script
 * declares with its default), `--keep` (keep the generated input) and `--no-build` (measure the CLI bundle as it is,
 * for a script that builds it first). Anything else is refused, naming the flags.
 */
type BenchArgs<Name extends string> = Record<Name, number> & {
  readonly keep: boolean;
  readonly build: boolean;
};

function parseBenchArgs<Name extends string>(
  argv: readonly string[],
  defaults: Readonly<Record<Name, number>>,
  options: { readonly builds?: boolean } = {},
): BenchArgs<Name> {
  const values: Record<string, number> = { ...defaults };
  let keep = false;
  let build = options.builds === true;
  const usage = [
    ...Object.keys(defaults).map((name) => `--${name} N`),
    '--keep',
    ...(options.builds === true ? ['--no-build'] : []),
  ].join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    if (arg === '--keep') keep = true;
    else if (arg === '--no-build' && options.builds === true) build = false;
    else if (name in defaults) {
      const value = Number(argv[i + 1]);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`${arg} needs a positive integer`);
      values[name] = value;
      i++;
    } else throw new Error(`unknown argument ${arg} (use ${usage})`);
  }
  return { ...(values as Record<Name, number>), keep, build };
}

export type { BenchArgs };
export { parseBenchArgs };
