import { createRouter, createWebHistory } from 'vue-router'
import { user, restore, isOfficial } from './session'
// The login page is where every visit starts: in the first bundle, not a
// second round of requests.
import LoginView from './views/LoginView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', component: LoginView },
    { path: '/register', component: () => import('./views/RegisterView.vue') },
    {
      path: '/',
      component: () => import('./views/ShellView.vue'),
      children: [
        { path: '', redirect: () => (({ enterprise: '/result', agency: '/enterprises' }) as Record<string, string>)[user.value?.role ?? ''] ?? '/progress' },
        { path: 'result', component: () => import('./views/ResultView.vue') },
        { path: 'assessment', component: () => import('./views/AssessmentView.vue') },
        { path: 'progress', component: () => import('./views/ProgressView.vue') },
        { path: 'review', component: () => import('./views/ReviewView.vue') },
        { path: 'outstanding', component: () => import('./views/OutstandingView.vue') },
        { path: 'enterprises', component: () => import('./views/EnterprisesView.vue') },
        { path: 'enterprises/:uscc', component: () => import('./views/EnterpriseView.vue') },
        { path: 'datamap', component: () => import('./views/DataMapView.vue') },
        { path: 'circulars', component: () => import('./views/CircularsView.vue') },
        { path: 'reports', component: () => import('./views/ReportsView.vue') },
        { path: 'selection', component: () => import('./views/SelectionView.vue') },
        { path: 'policy', component: () => import('./views/PolicyView.vue') },
        { path: 'rounds', component: () => import('./views/RoundsView.vue') },
        { path: 'contacts', component: () => import('./views/ContactsView.vue') },
        { path: 'grants', component: () => import('./views/GrantsView.vue') },
        { path: 'password', component: () => import('./views/PasswordView.vue') },
        { path: 'accounts', component: () => import('./views/AccountsView.vue') },
        { path: 'registrations', redirect: { path: '/accounts', query: { tab: 'registrations' } } },
      ],
    },
    { path: '/:rest(.*)', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.path === '/login' || to.path === '/register') return true
  if (!user.value && !(await restore())) return { path: '/login', query: { next: to.fullPath } }
  // A password an official issued is changed before anything else.
  if (user.value?.must_change_password && to.path !== '/password') return '/password'
  if (['/progress', '/review'].includes(to.path) && !isOfficial() && user.value?.role !== 'association') return '/'
  if (['/outstanding', '/accounts', '/registrations', '/policy', '/reports'].includes(to.path) && !isOfficial()) return '/'
  if (['/selection', '/rounds'].includes(to.path) && !['province', 'ministry'].includes(user.value?.role ?? '')) return '/'
  return true
})
