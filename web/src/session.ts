// Who is logged in, shared by every page.
import { ref } from 'vue'
import { api, ApiError, hasToken, setToken, useCookieSession, type Round, type User } from './api'

export const user = ref<User | null>(null)
export const rounds = ref<Round[]>([])
export const currentRound = ref('') // the newest round unless the user picks another

// Resumes the tab's session, or the browser's (a tab opened from another
// holds only the cookie). False when there is none; a request cut short (a
// reload, the network) ends nothing: the session stays for the next try.
export async function restore(): Promise<boolean> {
  try {
    const current = await api.session()
    if (!hasToken()) useCookieSession(current.csrf_token)
    user.value = current.user
    if (!current.user.must_change_password) await loadRound()
    return true
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) setToken('')
    return false
  }
}

export async function login(username: string, password: string) {
  const r = await api.login(username, password)
  setToken(r.token)
  user.value = r.user
  if (!r.user.must_change_password) await loadRound()
}

// After the password was changed: the session as the server now sees it.
export async function passwordChanged() {
  if (!user.value?.must_change_password) return
  user.value = (await api.session()).user
  await loadRound()
}

export async function logout() {
  try {
    await api.logout()
  } finally {
    setToken('')
    user.value = null
  }
}

// The rounds again (after one is set), keeping the chosen one.
export async function refreshRounds() {
  rounds.value = (await api.rounds()).items
  if (!rounds.value.some((r) => r.code === currentRound.value)) currentRound.value = rounds.value[0]?.code ?? ''
}

// The rounds of a new session: the newest chosen.
async function loadRound() {
  currentRound.value = ''
  await refreshRounds()
}

export const isOfficial = () => ['ministry', 'province', 'unit'].includes(user.value?.role ?? '')

// Whether the user has a review queue (a unit's or a province's officials).
export const reviews = () => user.value?.role === 'unit' || user.value?.role === 'province'
