import type { Locale, Translate } from '../ui/messages.js';

/** What every screen needs: her language, and where the app lives. */
export interface ViewContext {
  t: Translate;
  locale: Locale;
  /** The app's folder, e.g. `http://localhost:3000/examples/diabetes-diary/`. */
  base: URL;
}
