import { ApiProvider } from "./api/api-context.js";
import { ConnectionStatus } from "./events/connection-status.js";
import { useEventStream } from "./events/use-event-stream.js";
import { GoalsPage } from "./goals/goals-page.js";
import { LoginPage } from "./login/login-page.js";
import { useServerAccess } from "./login/use-server-access.js";
import { NotificationsToggle } from "./notifications/notifications-toggle.js";
import { useNotifications } from "./notifications/use-notifications.js";
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
  const access = useServerAccess();
  if (access.data?.signedIn === false) return <LoginPage />;
  if (access.isPending) return <p className="page">Loading…</p>;
  return <LiveShell sessions={access.data?.sessions ?? true} />;
}

function LiveShell({ sessions }: { sessions: boolean }) {
  const route = useRoute();
  const notifications = useNotifications();
  const connection = useEventStream(notifications.onEvent);
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
        <NotificationsToggle setting={notifications.setting} toggle={notifications.toggle} />
        <ConnectionStatus connection={connection} />
      </header>
      <main className="page">
        {route.page === "session" ? (
          <SessionPage sessionID={route.sessionID} sessions={sessions} />
        ) : (
          <GoalsPage sessions={sessions} />
        )}
      </main>
    </>
  );
}
