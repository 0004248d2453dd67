// node-bigcommerce (the npm SDK) against the fake OMS over HTTPS. The SDK always calls
// https://api.bigcommerce.com:443; its documented `agent` option takes an https.Agent, whose
// connections here go to the fake on loopback, with TLS still checked for api.bigcommerce.com
// (the kit's certificate names it; NODE_EXTRA_CA_CERTS trusts the kit's CA).
// Usage: node bigcommerce_node.mjs PORT ACCESS_TOKEN STORE_HASH EMAIL
import https from 'node:https';
import tls from 'node:tls';
import BigCommerce from 'node-bigcommerce';

const [port, accessToken, storeHash, email] = process.argv.slice(2);
const agent = new https.Agent();
agent.createConnection = (options, callback) =>
  tls.connect({ ...options, host: '127.0.0.1', port: Number(port), servername: 'api.bigcommerce.com' }, callback);

const client = (apiVersion, token = accessToken) =>
  new BigCommerce({ clientId: 'lookupkit', accessToken: token, storeHash, responseType: 'json', apiVersion, agent });
const v2 = client('v2');
const v3 = client('v3');
const out = {};

const found = await v3.get(`/customers?email:in=${encodeURIComponent(email)}`);
out.customers = found.data.map((c) => c.id);
const id = found.data[0].id;

out.pages = [];
for (let page = 1; page <= 20; page += 1) { // BigCommerce answers past the last page with 204
  const orders = await v2.get(`/orders?customer_id=${id}&limit=25&page=${page}&sort=date_created:desc`);
  if (!Array.isArray(orders)) {
    out.pastTheLastPage = orders === '' ? 'an empty body' : typeof orders;
    break;
  }
  out.pages.push(orders.map((o) => o.id));
}

const started = Date.now();
out.count = (await v2.get(`/orders/count?customer_id=${id}`)).count; // the test makes this a 429 once
out.countSeconds = (Date.now() - started) / 1000;

out.tracking = {};
for (const orderId of out.pages.flat().slice(0, 10)) {
  const shipments = await v2.get(`/orders/${orderId}/shipments`);
  if (Array.isArray(shipments) && shipments.length) {
    out.tracking[orderId] = shipments.map((s) => s.tracking_number);
  }
}

try {
  await client('v3', 'not-the-token').get('/customers');
  out.badToken = 'accepted';
} catch (error) {
  out.badToken = error.code;
}
console.log(JSON.stringify(out));
