import { type Client, createPursuitClient } from "@pursuit/sdk";
import { createContext, type ReactNode, useContext, useMemo, useState } from "react";

const PASSWORD_KEY = "pursuit.password";

type Api = {
  client: Client;
  /** Changes whenever the credentials do: part of the keys of queries whose answer depends on them. */
  credentials: number;
  /** Keeps the password for this tab (sessionStorage) and sends it with every request from now on. */
  signIn(password: string): void;
};

const ApiContext = createContext<Api | undefined>(undefined);

/** One SDK client for the app, bound to the page's own origin (the server that served it). */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [password, setPassword] = useState(() => sessionStorage.getItem(PASSWORD_KEY) ?? "");
  const [credentials, setCredentials] = useState(0);
  const api = useMemo<Api>(
    () => ({
      client: createPursuitClient({ baseUrl: window.location.origin, ...(password ? { password } : {}) }),
      credentials,
      signIn(next) {
        sessionStorage.setItem(PASSWORD_KEY, next);
        setPassword(next);
        setCredentials((count) => count + 1);
      },
    }),
    [password, credentials],
  );
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside ApiProvider");
  return api;
}
