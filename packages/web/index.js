import { fileURLToPath } from "node:url";

/** The directory of the built app (index.html and assets), served by `pursuit serve` and the OpenCode plugin. */
export const webAppDirectory = fileURLToPath(new URL("./dist/", import.meta.url));
