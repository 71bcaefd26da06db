import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import App from './App.vue'
import { router } from './router'
import { whenSessionExpires } from './api'
import { user } from './session'

whenSessionExpires(() => {
  user.value = null
  router.push({ path: '/login', query: { expired: '1', next: router.currentRoute.value.fullPath } })
})
createApp(App).use(router).mount('#app')
