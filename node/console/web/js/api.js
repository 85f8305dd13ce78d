// Calls the node's HTTP API with the officer's token. The token stays in this tab's session
// storage (gone when the tab closes) and is sent only to this node.

const KEY = 'tracenet.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() { return sessionStorage.getItem(KEY) || ''; }
export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'The node did not answer; is it running?');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = data && data.error ? data.error : { code: `http_${res.status}`, message: text || res.statusText };
    throw new ApiError(res.status, err.code, err.message);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);

// Object URLs made for the current view; released when the view changes (releaseImages).
const shownImages = [];

// An image the API serves behind the token, as a URL an <img> can show.
export async function imageUrl(path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token()}` } });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `photo not available (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  shownImages.push(url);
  return url;
}

export function releaseImages() {
  for (const url of shownImages.splice(0)) URL.revokeObjectURL(url);
}
