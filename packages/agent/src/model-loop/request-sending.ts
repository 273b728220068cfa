/** The request header that names a step's hook to the providers' fetch; it never leaves the process. */
const STEP_HEADER = "x-pursuit-step";

const hooks = new Map<string, () => Promise<void>>();
let counter = 0;

/**
 * Runs `work` (a model request sent with the headers it is given) so that `hook` is awaited right before the
 * request's first byte leaves: a step is charged after a crash only if its request went out, as providers bill
 * only requests they received. A header carries the hook's key to `announcingFetch` (no async context to track).
 */
export async function whenRequestSends<T>(
  hook: () => Promise<void>,
  work: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const key = String(++counter);
  hooks.set(key, hook);
  try {
    return await work({ [STEP_HEADER]: key });
  } finally {
    hooks.delete(key);
  }
}

/** The providers' fetch: tells the step its request is leaving (see `whenRequestSends`), then sends it. */
export const announcingFetch: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  const key = headers.get(STEP_HEADER);
  if (key === null) return fetch(input, init);
  headers.delete(STEP_HEADER);
  await hooks.get(key)?.();
  return fetch(input, { ...init, headers });
};
