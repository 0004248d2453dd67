// The npm magento-api-rest client (OAuth 1.0a integration signatures) against the fake Magento.
// Usage: node magento_oauth.mjs BASE_URL CONSUMER_SECRET EMAIL SHA  (prints one JSON document)
import pkg from 'magento-api-rest';

const MagentoRestApi = pkg.default ?? pkg;  // a CommonJS module with a default export

const [url, secret, email, sha] = process.argv.slice(2);
const client = (tokenSecret) => new MagentoRestApi({
  url,
  consumerKey: 'lookupkit',
  consumerSecret: secret,
  accessToken: 'lookupkit',
  tokenSecret,
  sha: Number(sha),
});
const answer = async (request) => {
  try {
    const got = await request;
    return { status: got.status, body: got.data };
  } catch (error) {
    return { status: error.response?.status ?? null, body: error.response?.data ?? String(error) };
  }
};
const api = client(secret);
console.log(JSON.stringify({
  customers: await answer(api.get('customers/search', { email, $perPage: 5 })),
  everyOrder: await answer(api.get('orders')),  // the client sends a bare ?searchCriteria
  wrongSecret: await answer(client('not-the-secret').get('orders')),
}));
