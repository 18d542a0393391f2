import { z } from 'zod';

/**
 * zod compiles object parsers with `new Function` when it may; under the app's CSP
 * (`script-src 'self'`, no 'unsafe-eval') even its probe for that is a reported violation.
 * Interpreted parsing is plenty fast for forms. Imported first by main.tsx, before any
 * schema is built.
 */
z.config({ jitless: true });
