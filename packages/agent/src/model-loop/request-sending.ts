import { AsyncLocalStorage } from "node:async_hooks";

const sendingHooks = new AsyncLocalStorage<() => Promise<void>>();

/**
 * Runs `work` (a model request) so that `hook` is awaited right before the request's first byte leaves: a
 * step is charged after a crash only if its request went out, as providers bill only requests they received.
 */
export function whenRequestSends<T>(hook: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  return sendingHooks.run(hook, work);
}

/** The providers' fetch: tells the step its request is leaving (see `whenRequestSends`), then sends it. */
export const announcingFetch: typeof fetch = async (input, init) => {
  await sendingHooks.getStore()?.();
  return fetch(input, init);
};
