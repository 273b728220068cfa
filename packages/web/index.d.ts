/** The directory of the built app (index.html and assets), served by `pursuit serve` and the OpenCode plugin. */
export declare const webAppDirectory: string;
