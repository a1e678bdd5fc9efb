// React 19 on Vite 7: the React plugin, nothing for vendo-connect.
import react from '@vitejs/plugin-react';

export default { plugins: [react()] };
