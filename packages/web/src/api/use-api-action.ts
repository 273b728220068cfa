import { useState } from "react";
import { type ApiError, ApiRequestError } from "./api-error.js";

/** One change at a time through the API: whether one is under way, and the API's error (with its field) when refused. */
export function useApiAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function run(request: () => Promise<unknown>): Promise<boolean> {
    setPending(true);
    setError(undefined);
    try {
      await request();
      return true;
    } catch (cause) {
      setError(cause instanceof ApiRequestError ? cause.detail : { code: "error", message: String(cause) });
      return false;
    } finally {
      setPending(false);
    }
  }

  return { pending, error, run };
}
