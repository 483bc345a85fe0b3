/** The portal's inbox: what the platform told the citizen, newest first, unread ones marked. */
import { type Notification, notificationHref } from '../../notifications/index.js';
import { displayInstant } from '../../pages/dates.js';
import { html } from '../../pages/html.js';
import { portalMessages } from '../messages.js';
import { doneNotice, type PortalFrame, portalPage } from './frame.js';

export interface InboxView extends Omit<PortalFrame, 'section' | 'title' | 'body'> {
  notifications: Notification[];
  appName: (clientId: string) => string;
  done: boolean;
}

export function renderInbox(v: InboxView): string {
  const t = portalMessages(v.locale);
  const items = v.notifications.map(
    (n) => html`<li data-notification="${n.id}" class="${n.readAt === null ? 'unread' : 'read'}">
<p>${n.readAt === null ? html`<strong class="badge">${t('inbox.unread')}</strong> ` : ''}${t(`notification.${n.kind}`, { app: v.appName(n.clientId) })}</p>
<p><time datetime="${new Date(n.createdAt).toISOString()}">${displayInstant(v.locale, n.createdAt)}</time> · <a href="${notificationHref(n)}">${t('inbox.open')}</a></p>
</li>`,
  );
  const body = html`<h1>${t('inbox.title')}</h1>
${doneNotice(v.done ? t('inbox.done') : undefined)}
<p class="lead">${t('inbox.lead')}</p>
${
  v.notifications.length === 0
    ? html`<p>${t('inbox.empty')}</p>`
    : html`<ul class="inbox">${items}</ul>
${
  v.unread > 0
    ? html`<form method="post" action="/me/inbox/read"><input type="hidden" name="_csrf" value="${v.csrf}"><button type="submit">${t('inbox.markRead')}</button></form>`
    : ''
}`
}`;
  return portalPage({ ...v, section: 'inbox', title: t('inbox.title'), body });
}
