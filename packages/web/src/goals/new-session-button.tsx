import { type Session, sessionCreate } from "@pursuit/sdk";
import { useState } from "react";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** Starts a new session of Pursuit's own runtime and opens it. */
export function NewSessionButton() {
  const { client } = useApi();
  const [error, setError] = useState<string>();

  async function create() {
    setError(undefined);
    try {
      const session = await unwrap<Session>(sessionCreate({ client, body: {} }) as never);
      window.location.hash = `#/session/${session.id}`;
    } catch (cause) {
      setError((cause as Error).message);
    }
  }

  return (
    <>
      <button type="button" onClick={create}>
        New session
      </button>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
