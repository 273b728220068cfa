import type { NotificationSetting } from "./use-notifications.js";

/** The opt-in switch for notifications, in the header. */
export function NotificationsToggle({ setting, toggle }: { setting: NotificationSetting; toggle: () => void }) {
  if (setting === "unsupported") return null;
  if (setting === "denied") return <span className="notifications-off">Notifications blocked by the browser</span>;
  return (
    <button type="button" aria-pressed={setting === "on"} onClick={toggle}>
      {setting === "on" ? "Notifying when goals finish" : "Notify me when goals finish"}
    </button>
  );
}
