// Shopify's own GraphQL Admin client against the fake OMS: a lookup (retried after a 429), the
// customer's orders paged two at a time to the last page with their tracking, a bad query, a bad
// token and a write.
// Usage: node shopify_graphql.mjs BASE_URL ACCESS_TOKEN EMAIL  (prints one JSON document)
import { createAdminApiClient } from '@shopify/admin-api-client';

const [base, accessToken, email] = process.argv.slice(2);
const storeDomain = 'lookupkit-demo.myshopify.com';
const client = createAdminApiClient({
  storeDomain,
  apiVersion: '2026-10',  // any YYYY-MM: the fake serves every version
  accessToken,
  // The client builds https://{storeDomain}/...; the fake listens on loopback without TLS.
  customFetchApi: (url, init) => fetch(String(url).replace(`https://${storeDomain}`, base), init),
});

const lookup = await client.request(
  `query Lookup($q: String!) {
    customers(first: 1, query: $q) {
      nodes {
        id email numberOfOrders
        orders(first: 10, sortKey: CREATED_AT, reverse: true) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id name createdAt displayFulfillmentStatus
            totalPriceSet { shopMoney { amount currencyCode } }
            fulfillments { trackingInfo { number } }
          }
        }
      }
    }
  }`,
  // retries: the client's own retry of a 429 (or 503), which the test makes the first answer
  { variables: { q: `email:${email}` }, retries: 2 },
);
const customerId = lookup.data?.customers?.nodes?.[0]?.id;
const pages = [];
const tracking = [];
let after = null;
for (let page = 0; page < 20; page += 1) {
  const got = await client.request(
    `query Page($id: ID!, $after: String) {
      customer(id: $id) {
        orders(first: 2, after: $after, sortKey: CREATED_AT, reverse: true) {
          pageInfo { hasNextPage endCursor }
          nodes { name fulfillments { trackingInfo { number } } }
        }
      }
    }`,
    { variables: { id: customerId, after } },
  );
  const orders = got.data.customer.orders;
  pages.push(orders.nodes.map((o) => o.name));
  tracking.push(...orders.nodes.flatMap((o) => o.fulfillments.flatMap((f) => f.trackingInfo.map((t) => t.number))));
  if (!orders.pageInfo.hasNextPage) break;
  after = orders.pageInfo.endCursor;
}
const stranger = createAdminApiClient({
  storeDomain, apiVersion: '2026-10', accessToken: 'not-the-token',
  customFetchApi: (url, init) => fetch(String(url).replace(`https://${storeDomain}`, base), init),
});
const refused = await stranger.request('{ orders(first: 1) { nodes { id } } }');
const bad = await client.request(`{ order(id: "gid://shopify/Order/1") { colour } }`);
const orderId = lookup.data?.customers?.nodes?.[0]?.orders?.nodes?.[0]?.id;
const update = await client.request(
  `mutation Note($input: OrderInput!) {
    orderUpdate(input: $input) { order { id note } userErrors { field message } }
  }`,
  { variables: { input: { id: orderId, note: 'Written by @shopify/admin-api-client' } } },
);
console.log(JSON.stringify({
  lookup: { data: lookup.data, errors: lookup.errors ?? null, extensions: lookup.extensions },
  pages,
  tracking,
  badToken: refused.errors?.networkStatusCode ?? null,
  bad: bad.errors ?? null,
  update: { data: update.data, errors: update.errors ?? null },
}));
