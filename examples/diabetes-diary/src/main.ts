/** The diary's entry point, loaded by index.html as a module (no inline script: the CSP forbids it). */
import { startApp } from './app.js';

void startApp(document.body);
