// The npm magento-api-rest client as an adapter uses it: a customer's orders paged to the last
// page with the total Magento gives, their shipments' tracking, and a 429 (the client does not
// retry: it rejects with the status and Magento's Retry-After, and a call after waiting works).
// Usage: node magento_sdk.mjs BASE_URL CONSUMER_SECRET EMAIL  (prints one JSON document)
import pkg from 'magento-api-rest';

const MagentoRestApi = pkg.default ?? pkg;
const [url, secret, email] = process.argv.slice(2);
const api = new MagentoRestApi({
  url, consumerKey: 'lookupkit', consumerSecret: secret, accessToken: 'lookupkit', tokenSecret: secret,
});
const out = {};

try { // the test injects one 429 on the orders search
  await api.get('orders', { customer_email: email, $perPage: 1 });
  out.limited = { status: 200 };
} catch (error) {
  out.limited = { status: error.response?.status, retryAfter: error.response?.headers['retry-after'] };
}
await new Promise((done) => setTimeout(done, Number(out.limited.retryAfter ?? 0) * 1000));

out.pages = [];
let total = null;
for (let page = 1; page <= 20 && (total === null || out.pages.flat().length < total); page += 1) {
  const got = await api.get('orders', { customer_email: email, $perPage: 2, $page: page });
  total = got.data.total_count;
  out.pages.push(got.data.items.map((o) => o.increment_id));
}
out.total = total;

out.tracking = {};
for (const incrementId of out.pages.flat()) {
  const entity = Number(incrementId);
  const got = await api.get('shipments', { order_id: entity });
  const numbers = got.data.items.flatMap((s) => (s.tracks ?? []).map((t) => t.track_number));
  if (numbers.length) out.tracking[incrementId] = numbers;
}
console.log(JSON.stringify(out));
