/**
 * The command-line arguments the scan benchmarks share: `--<name> N` (a positive integer, for each name the script
 * declares with its default) and `--keep` (keep the generated input). Anything else is refused, naming the flags.
 */
type BenchArgs<Name extends string> = Record<Name, number> & { readonly keep: boolean };

function parseBenchArgs<Name extends string>(
  argv: readonly string[],
  defaults: Readonly<Record<Name, number>>,
): BenchArgs<Name> {
  const values: Record<string, number> = { ...defaults };
  let keep = false;
  const usage = [...Object.keys(defaults).map((name) => `--${name} N`), '--keep'].join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    if (arg === '--keep') keep = true;
    else if (name in defaults) {
      const value = Number(argv[i + 1]);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`${arg} needs a positive integer`);
      values[name] = value;
      i++;
    } else throw new Error(`unknown argument ${arg} (use ${usage})`);
  }
  return { ...(values as Record<Name, number>), keep };
}

export type { BenchArgs };
export { parseBenchArgs };
