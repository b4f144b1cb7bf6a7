import { InvalidArgumentError, Option } from 'commander';

/**
 * An option whose value is one of `choices`, matched case-insensitively (`--format JSON` is `json`, as
 * `--fail-on HIGH` is `high`): one rule for every choice option of every command. Help lists the choices.
 */
function choiceOption<const T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
): Option {
  return new Option(flags, description).choices(choices).argParser((value: string): T => {
    const match = choices.find((choice) => choice === value.toLowerCase());
    if (match === undefined)
      throw new InvalidArgumentError(
        `expected one of ${choices.join(', ')} (any case), got ${JSON.stringify(value)}`,
      );
    return match;
  });
}

export { choiceOption };
