// Vue 3 on Vite 7: the Vue plugin, nothing for vendo-connect.
import vue from '@vitejs/plugin-vue';

export default { plugins: [vue()] };
