// The npm shopify-api-node client against the fake Shopify REST. It builds
// https://{shop}.myshopify.com; its baseUrl is pointed at the fake instead, as a hosts entry would.
// Usage: node shopify_rest.mjs BASE_URL ACCESS_TOKEN EMAIL  (prints one JSON document)
import Shopify from 'shopify-api-node';

const [base, accessToken, email] = process.argv.slice(2);
const at = new URL(base);
const client = (token) => {
  const shopify = new Shopify({ shopName: 'lookupkit-demo', accessToken: token, apiVersion: '2025-01', maxRetries: 3 });
  shopify.baseUrl = { protocol: at.protocol, hostname: at.hostname, port: at.port };
  return shopify;
};
const shopify = client(accessToken);
const [customer] = await shopify.customer.search({ query: `email:${email}` });
const names = [];
let params = { status: 'any', limit: 2 };
let pages = 0;
while (params && pages < 20) {
  const page = await shopify.customer.orders(customer.id, params);
  names.push(...page.map((o) => o.name));
  pages += 1;
  params = page.nextPageParameters;
}
const count = await shopify.order.count({ status: 'any' });
const shipped = (await shopify.order.list({ status: 'any', limit: 250 })).find((o) => o.fulfillments.length);
const tracking = (await shopify.fulfillment.list(shipped.id)).map((f) => f.tracking_number);
let badToken = null;
try {
  await client('not-the-token').order.count();
} catch (error) {
  badToken = error.response?.statusCode ?? String(error);
}
console.log(JSON.stringify({ customerId: customer.id, names, pages, count, tracking, badToken }));
