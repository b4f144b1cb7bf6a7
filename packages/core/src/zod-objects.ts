import * as z from 'zod/mini';
// zod's core directly: `z.core` is one namespace object, which would keep all of zod's core in a Lambda bundle.
import * as core from 'zod/v4/core';

/**
 * Object schemas of zod/mini that parse as fast as classic zod's.
 *
 * zod/mini's `z.object` checks an object key by key in a generic loop; classic zod's compiles a checker for each
 * object shape on its first parse (zod's `$ZodObjectJIT`). `aisaws scan` parses a CloudTrail record and a risk
 * assessment per event: with the generic loop it took ≈ 20 % more time and the record parse alone ≈ 30 % more
 * (`pnpm bench:scan`). These constructors build the same zod/mini object schema (same class name, `shape`,
 * `parse`/`safeParse`, composable with `z.extend`, `z.omit` …, same issues and messages) on the compiled object parser;
 * where `eval` is refused (`z.config({ jitless: true })`) zod falls back to the loop by itself. They cost more to
 * build (a Lambda's init), so only the schemas parsed per scanned event use them: the CloudTrail record and the risk
 * assessment.
 */
type Init = (inst: unknown, def: core.$ZodObjectDef) => void;
const ZodMiniObjectJit = core.$constructor<z.ZodMiniObject, core.$ZodObjectDef>(
  'ZodMiniObject',
  (inst, def) => {
    (core.$ZodObjectJIT.init as Init)(inst, def);
    (z.ZodMiniType.init as Init)(inst, def);
    core.util.installLazyProp(inst, 'shape', (self) => self._zod.def.shape, false);
  },
);

type Params = string | core.$ZodObjectParams;

function objectSchema<Schema>(def: Omit<core.$ZodObjectDef, 'type'>): Schema {
  return new ZodMiniObjectJit({ type: 'object', ...def }) as unknown as Schema;
}

/** `z.object` (unknown keys stripped), compiled parser. */
function object<const T extends core.$ZodLooseShape>(
  shape: T,
  params?: Params,
): z.ZodMiniObject<core.util.Writeable<T>, core.$strip> {
  return objectSchema({ shape, ...core.util.normalizeParams(params) });
}

/** `z.strictObject` (unknown keys refused), compiled parser. */
function strictObject<const T extends core.$ZodLooseShape>(
  shape: T,
  params?: Params,
): z.ZodMiniObject<core.util.Writeable<T>, core.$strict> {
  return objectSchema({ shape, catchall: z.never(), ...core.util.normalizeParams(params) });
}

/** `z.looseObject` (unknown keys kept), compiled parser. */
function looseObject<const T extends core.$ZodLooseShape>(
  shape: T,
  params?: Params,
): z.ZodMiniObject<core.util.Writeable<T>, core.$loose> {
  return objectSchema({ shape, catchall: z.unknown(), ...core.util.normalizeParams(params) });
}

export { looseObject, object, strictObject };
