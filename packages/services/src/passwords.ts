import { Worker } from 'node:worker_threads';
import { AppError, passwordSchema } from '@bucketgrid/shared';
import { hash, verify } from '@node-rs/argon2';
import { ConcurrencyLimit } from './concurrency-limit.ts';

// argon2id (the library's default algorithm) with OWASP's recommended minimum cost:
// 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Every argon2 computation of the process (sign-in, sign-up, password change, CLI) takes a
 * slot here: a flood of sign-ins cannot take more than two cores' worth of argon2 (19 MiB each),
 * and a legitimate sign-in waits behind at most 64 others instead of behind the whole flood.
 */
export const ARGON2_CONCURRENCY = 2;
export const ARGON2_MAX_WAITING = 64;
const argon2Slots = new ConcurrencyLimit(
  ARGON2_CONCURRENCY,
  ARGON2_MAX_WAITING,
  'The server is busy checking passwords. Try again in a moment.',
);

export function hashPassword(password: string): Promise<string> {
  return argon2Slots.run(() => hash(password, OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return argon2Slots.run(() => verify(passwordHash, password));
}

/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;
/**
 * Past this an estimate is abandoned (its worker ended) and the password refused. A random
 * 64-character password takes under a second of CPU; crafted ones take minutes.
 */
export const ESTIMATE_DEADLINE_MS = 10_000;

interface Estimate {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
}

/**
 * zxcvbn-ts in one worker thread, started on first use: its dictionaries stay out of every
 * process that never rates a password (and out of the web bundle), and its CPU stays off the
 * event loop. One estimate at a time, a few waiting, each with a deadline.
 */
class StrengthEstimator {
  private worker: Promise<Worker> | undefined;
  private readonly turns = new ConcurrencyLimit(
    1,
    8,
    'The server is busy checking passwords. Try again in a moment.',
  );

  /** Starts the worker now, so that the first password rated does not wait for it. */
  warmUp(): void {
    this.started().catch(() => {});
  }

  estimate(password: string, userInputs: string[]): Promise<Estimate | 'too_slow'> {
    return this.turns.run(async () => this.ask(await this.started(), password, userInputs));
  }

  private started(): Promise<Worker> {
    if (this.worker) return this.worker;
    let starting: Promise<Worker> | undefined;
    // A worker that failed or ended (past a deadline) is replaced on next use.
    const forget = () => {
      if (this.worker === starting) this.worker = undefined;
    };
    starting = new Promise<Worker>((resolve, reject) => {
      // Plain JavaScript: no loader of the parent's (tsx) is needed there.
      const worker = new Worker(new URL('./password-strength-worker.js', import.meta.url), {
        execArgv: [],
      });
      worker.on('error', forget).on('exit', forget);
      worker.once('error', reject);
      worker.once('message', () => {
        worker.off('error', reject);
        // Idle, the worker must not keep a process (the CLI) from exiting.
        worker.unref();
        resolve(worker);
      });
    });
    starting.catch(forget);
    this.worker = starting;
    return starting;
  }

  private ask(worker: Worker, password: string, userInputs: string[]) {
    return new Promise<Estimate | 'too_slow'>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onEstimate).off('error', onError).off('exit', onError);
        worker.unref();
      };
      const onEstimate = (estimate: Estimate) => {
        done();
        resolve(estimate);
      };
      const onError = (error: unknown) => {
        done();
        reject(error instanceof Error ? error : new Error('the password rater stopped'));
      };
      const timer = setTimeout(() => {
        done();
        void worker.terminate();
        resolve('too_slow');
      }, ESTIMATE_DEADLINE_MS);
      worker.ref();
      worker.on('message', onEstimate).on('error', onError).on('exit', onError);
      worker.postMessage({ password, userInputs });
    });
  }
}

const estimator = new StrengthEstimator();

/** Loads the password rater in the background (a server calls this as it starts). */
export function warmUpPasswordRating(): void {
  estimator.warmUp();
}

function sentence(text: string): string {
  return text.replace(/\.$/, '');
}

/**
 * Refuses, as weak_password naming the field, a password shorter than 10 characters or one
 * zxcvbn rates below 3: common and breached passwords, keyboard walks, repeats, dates, and
 * anything built from the user's own email or name (`userInputs`). The message carries the
 * estimator's feedback: what is wrong and what to do instead.
 */
export async function assertStrongPassword(
  password: string,
  field: string,
  userInputs: string[],
): Promise<string> {
  const result = passwordSchema.safeParse(password);
  if (!result.success) {
    const detail = result.error.issues[0]?.message ?? 'too weak';
    throw new AppError('weak_password', `${field}: ${detail}`, {
      errors: [{ pointer: `/${field}`, detail }],
    });
  }
  const estimate = await estimator.estimate(result.data, ['bucketgrid', ...userInputs]);
  if (estimate === 'too_slow') {
    const detail =
      'it is made of so many look-alike substitutions that it could not be rated. ' +
      'Use a few unrelated words instead.';
    throw new AppError('weak_password', `${field}: ${detail}`, {
      errors: [{ pointer: `/${field}`, detail }],
    });
  }
  if (estimate.score < MIN_PASSWORD_SCORE) {
    const { warning, suggestions } = estimate.feedback;
    const what = warning ? sentence(warning) : 'It is too easy to guess';
    const todo = suggestions.length > 0 ? suggestions.map(sentence) : [];
    todo.push('A few unrelated words make a strong password that is easy to remember');
    const detail = `${what.charAt(0).toLowerCase()}${what.slice(1)}. ${todo.join('. ')}`;
    throw new AppError('weak_password', `${field}: ${detail}`, {
      errors: [{ pointer: `/${field}`, detail }],
    });
  }
  return result.data;
}
