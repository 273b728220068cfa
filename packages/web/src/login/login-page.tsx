import { createPursuitClient, sessionStatus } from "@pursuit/sdk";
import { type FormEvent, useState } from "react";
import { useApi } from "../api/api-context.js";
import "./login-page.css";

/** The server has a password: asked once, kept for this tab. A wrong one is refused here, next to the field. */
export function LoginPage() {
  const { signIn } = useApi();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecking(true);
    const client = createPursuitClient({ baseUrl: window.location.origin, password });
    const { response } = await sessionStatus({ client }).catch(() => ({ response: undefined }));
    setChecking(false);
    if (response?.status === 401) return setError("Wrong password.");
    if (!response?.ok) return setError("The server could not be reached.");
    signIn(password);
  }

  return (
    <main className="page login-page">
      <h1>Pursuit</h1>
      <form onSubmit={submit} className="login-form" noValidate>
        <label htmlFor="password">Server password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "password-error" : undefined}
          required
        />
        {error ? (
          <p id="password-error" role="alert" className="field-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={checking || password === ""}>
          {checking ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
