import { TEMPLATES } from "./templates.gen.js";

export type TemplateName = keyof typeof TEMPLATES;

/**
 * Renders a template in one pass over its text, so a substituted value is never scanned again: an
 * objective containing `{{turn}}` stays literal. A placeholder without a value is a programmer error.
 */
export function renderTemplate(name: TemplateName, values: Readonly<Record<string, string>>): string {
  return TEMPLATES[name].replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template "${name}" needs a value for "${key}"`);
    return value;
  });
}

/** User text goes into templates escaped, so it cannot close the element that wraps it or open another. */
export function escapeUserText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export { TEMPLATES };
