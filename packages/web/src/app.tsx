import { ApiProvider } from "./api/api-context.js";
import { ConnectionStatus } from "./events/connection-status.js";
import { useEventStream } from "./events/use-event-stream.js";
import { GoalsPage } from "./goals/goals-page.js";
import { LoginPage } from "./login/login-page.js";
import { useSignedIn } from "./login/use-signed-in.js";
import { SessionPage } from "./session/session-page.js";
import { useRoute } from "./use-route.js";

export function App() {
  return (
    <ApiProvider>
      <Shell />
    </ApiProvider>
  );
}

/** The header (navigation, connection state) and the page the hash names; the login form when a password is needed. */
function Shell() {
  const signedIn = useSignedIn();
  if (signedIn.data === false) return <LoginPage />;
  if (signedIn.isPending) return <p className="page">Loading…</p>;
  return <LiveShell />;
}

function LiveShell() {
  const route = useRoute();
  const connection = useEventStream();
  return (
    <>
      <header className="app-header">
        <a className="app-name" href="#/">
          Pursuit
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.page === "goals" ? "page" : undefined}>
            Goals
          </a>
        </nav>
        <ConnectionStatus connection={connection} />
      </header>
      <main className="page">
        {route.page === "session" ? <SessionPage sessionID={route.sessionID} /> : <GoalsPage />}
      </main>
    </>
  );
}
