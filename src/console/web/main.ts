import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
// Element Plus's date pickers take the week's first day from dayjs's locale: zh-cn starts on Monday.
import 'dayjs/locale/zh-cn'
import 'element-plus/dist/index.css'
import './theme.css'
import App from './App.vue'

createApp(App).use(ElementPlus, { locale: zhCn }).mount('#app')
