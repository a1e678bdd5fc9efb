// The Vite 8 app without vendo-connect: scripts/build-consumers.sh builds both and prints
// the gzipped difference, the size the package adds to a production build.
const baseUrl = new URLSearchParams(location.search).get('vendo') ?? 'http://127.0.0.1:8081';
const show = (id, text) => {
  document.getElementById(id).textContent = text;
};

show('status', 'ready');
document
  .getElementById('connect')
  .addEventListener('click', () => show('error', `no package to connect to ${baseUrl}`));
