/** The app's side of a browser journey, for tests where the app itself is not running. */
import type { BrowserContext } from 'playwright-core';

/**
 * Catches the browser's return to the app's redirect URI wherever it meets it (a redirect after a
 * form post does not always reach a route handler first) and answers it with a blank app page.
 * `callback` resolves with the URL the platform sent the browser to.
 */
export async function catchRedirect(context: BrowserContext, redirectUri: string): Promise<{ callback: Promise<URL> }> {
  let resolveCallback: (url: URL) => void = () => {};
  const callback = new Promise<URL>((resolve) => {
    resolveCallback = resolve;
  });
  context.on('request', (request) => {
    if (request.url().startsWith(redirectUri)) resolveCallback(new URL(request.url()));
  });
  await context.route(`${redirectUri}**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>app</title><p>back in the app</p>',
    }),
  );
  return { callback };
}
