// Shopify's npm GraphQL client straight at the fake over HTTPS (no fetch override): it trusts the
// kit's CA only through NODE_EXTRA_CA_CERTS. Usage: node shopify_tls.mjs HOST:PORT ACCESS_TOKEN
import { createAdminApiClient } from '@shopify/admin-api-client';

const [storeDomain, accessToken] = process.argv.slice(2);
const client = createAdminApiClient({ storeDomain, apiVersion: '2026-10', accessToken });
const answer = await client.request('{ orders(first: 2) { nodes { name } } }');
if (answer.errors) {
  console.error(JSON.stringify(answer.errors));
  process.exit(1);
}
console.log(JSON.stringify(answer.data));
