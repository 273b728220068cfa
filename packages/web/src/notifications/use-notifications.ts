import type { Event } from "@pursuit/sdk";
import { useCallback, useRef, useState } from "react";
import { GoalNotifier } from "./goal-notifier.js";

const SETTING_KEY = "pursuit.notifications";

export type NotificationSetting = "on" | "off" | "denied" | "unsupported";

function initialSetting(): NotificationSetting {
  if (typeof Notification === "undefined") return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return localStorage.getItem(SETTING_KEY) === "on" && Notification.permission === "granted" ? "on" : "off";
}

/**
 * Opt-in browser notifications for goals that finish, hit a limit, block or are paused by the runtime. Asked
 * for from a click (browsers require a gesture), never asked again once denied; clicking a notification opens
 * the goal's session.
 */
export function useNotifications() {
  const [setting, setSetting] = useState<NotificationSetting>(initialSetting);
  const notifier = useRef(new GoalNotifier());

  const toggle = useCallback(async () => {
    if (setting === "on") {
      localStorage.setItem(SETTING_KEY, "off");
      return setSetting("off");
    }
    if (setting !== "off") return;
    const permission = await Notification.requestPermission();
    if (permission === "granted") {
      localStorage.setItem(SETTING_KEY, "on");
      setSetting("on");
    } else if (permission === "denied") setSetting("denied");
  }, [setting]);

  const onEvent = useCallback(
    (event: Event) => {
      const notice = notifier.current.notice(event);
      if (!notice || setting !== "on") return;
      const notification = new Notification(notice.title, { body: notice.body, tag: notice.sessionID });
      notification.onclick = () => {
        window.focus();
        window.location.hash = `#/session/${notice.sessionID}`;
      };
    },
    [setting],
  );

  return { setting, toggle, onEvent };
}
