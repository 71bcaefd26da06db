// Who is logged in, shared by every page.
import { ref } from 'vue'
import { api, hasToken, setToken, type Round, type User } from './api'

export const user = ref<User | null>(null)
export const rounds = ref<Round[]>([])
export const currentRound = ref('') // the newest round unless the user picks another

export async function restore(): Promise<boolean> {
  if (!hasToken()) return false
  try {
    user.value = (await api.session()).user
    await loadRound()
    return true
  } catch {
    setToken('')
    return false
  }
}

export async function login(username: string, password: string) {
  const r = await api.login(username, password)
  setToken(r.token)
  user.value = r.user
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

async function loadRound() {
  rounds.value = (await api.rounds()).items
  currentRound.value = rounds.value[0]?.code ?? ''
}

export const isOfficial = () => ['ministry', 'province', 'unit'].includes(user.value?.role ?? '')

// Whether the user has a review queue (a unit's or a province's officials).
export const reviews = () => user.value?.role === 'unit' || user.value?.role === 'province'
