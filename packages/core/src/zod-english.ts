import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini registers no locale: without one every issue's message is "Invalid input". The schemas of
 * `@aisaws/core` and the Lambdas are built with zod/mini (a fraction of classic zod's code, and cheaper to build at a
 * Lambda's init) while their messages are read by people (quarantine reasons, CLI errors, configuration errors), so
 * English is registered here, as classic zod does on its first schema; a locale set before is kept. Every module that
 * builds zod/mini schemas imports this one for its effect (it is listed in `sideEffects` of package.json, so the
 * Lambda bundles keep it).
 */
if (!z.config().localeError) z.config(en());
