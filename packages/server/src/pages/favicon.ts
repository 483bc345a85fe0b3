/**
 * The site's icon: browsers ask for `/favicon.ico` on every first visit, so it is served rather
 * than answered 404 (an SVG, which current browsers take at either address).
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b6e4f"/><path d="M13 6h6v7h7v6h-7v7h-6v-7H6v-6h7z" fill="#fff"/></svg>
`;
