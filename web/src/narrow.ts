// Whether the window is a phone's width (at most 768 px), kept up to date:
// pages lay themselves out as a single column and the menu folds away.
import { ref } from 'vue'

const query = window.matchMedia('(max-width: 768px)')
export const narrow = ref(query.matches)
query.addEventListener('change', (e) => (narrow.value = e.matches))
