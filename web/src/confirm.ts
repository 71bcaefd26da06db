// Asking before an action that is hard to take back, and saying it was done:
// Element Plus's message box and message, with their styles, in one place.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { t } from './i18n'

// Whether the user answered 确定 to `message` under `title`.
export async function confirmed(message: string, title: string, type: 'info' | 'warning' = 'warning') {
  try {
    await ElMessageBox.confirm(message, title, { confirmButtonText: t('confirm'), cancelButtonText: t('cancel'), type })
    return true
  } catch {
    return false  // cancelled
  }
}

export const done = (message: string) => ElMessage.success(message)
