import { createApiReference } from '@scalar/api-reference';
import '@scalar/api-reference/style.css';
import './page.css';
import { bucketFromQuery, forBucket } from './for-bucket.ts';
import { forSamples } from './samples.ts';

/**
 * The data API reference: GET /api/openapi.json rendered by Scalar, bundled with the app (no
 * CDN, no fonts or telemetry from elsewhere: it works offline and behind firewalls). Its own
 * page, so the app's bundle and Content-Security-Policy stay as they are (the renderer injects
 * style elements, so the server sends this page a policy that allows inline styles).
 */

/**
 * Code samples in curl, Go and Node (fetch) as the renderer generates them, and Python
 * (requests) as samples.ts writes it; every other client hidden.
 */
const HIDDEN_CLIENTS = [
  ...['c', 'clojure', 'csharp', 'dart', 'fsharp', 'http', 'java', 'js', 'kotlin', 'objc'],
  ...['ocaml', 'php', 'powershell', 'r', 'ruby', 'rust', 'swift', 'python'],
  ...['shell/httpie', 'shell/wget'],
  ...['node/axios', 'node/ofetch', 'node/undici'],
];

const bucket = bucketFromQuery(window.location.search);
const mount = document.getElementById('reference')!;
try {
  const response = await fetch('/api/openapi.json');
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  createApiReference(mount, {
    content: forSamples(forBucket(await response.json(), bucket), window.location.origin),
    servers: [{ url: window.location.origin }],
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: 'never',
    documentDownloadType: 'json',
    hiddenClients: HIDDEN_CLIENTS,
    defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
    authentication: {
      preferredSecurityScheme: 'apiKey',
      securitySchemes: { apiKey: { value: 'YOUR_API_KEY' } },
    },
  });
} catch (error) {
  mount.textContent = `The API reference could not be loaded (${error}). Reload to try again.`;
  mount.className = 'reference-error';
}
