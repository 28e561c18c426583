import { signRest, signStreamAuth, signedHeaders } from './signing';

// Expected values computed outside the code under test, with OpenSSL, e.g.:
//   printf '%s' '1658384314791XXXXXXXXXX5000category=linear&symbol=BTCUSDT' \
//     | openssl dgst -sha256 -hmac 'YYYYYYYYYY'
const KEY = 'XXXXXXXXXX';
const SECRET = 'YYYYYYYYYY';
const TS = 1658384314791;

describe('Bybit v5 signing', () => {
  it('signs a GET over timestamp + key + recvWindow + query string', () => {
    expect(signRest(SECRET, TS, KEY, 5000, 'category=linear&symbol=BTCUSDT')).toBe(
      '6a9f63fe296ae0989e381888863256d62fc6d7e594b5118737591b952e9993de',
    );
  });

  it('signs a POST over timestamp + key + recvWindow + JSON body', () => {
    const body =
      '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.01","price":"50000","orderLinkId":"abc-1"}';
    expect(signRest(SECRET, TS, KEY, 5000, body)).toBe(
      'ac4cc696574a5cb51bd88c3a144ff7e86f54673130d97f1fb9a174f778a887c6',
    );
  });

  it('builds the four X-BAPI headers', () => {
    expect(signedHeaders(KEY, SECRET, TS, 5000, 'category=linear&symbol=BTCUSDT')).toEqual({
      'X-BAPI-API-KEY': KEY,
      'X-BAPI-TIMESTAMP': '1658384314791',
      'X-BAPI-RECV-WINDOW': '5000',
      'X-BAPI-SIGN': '6a9f63fe296ae0989e381888863256d62fc6d7e594b5118737591b952e9993de',
    });
  });

  it('signs the private stream auth over GET/realtime + expiry', () => {
    expect(signStreamAuth(SECRET, 1662350400000)).toBe(
      '9c4c0629fddfee26ca0da50a7fed51968fce6935d34b02e772d3bd0c34327bd1',
    );
  });
});
