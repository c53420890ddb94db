//! Toasts: short messages in a corner, each for a few seconds. Pages and
//! the live event handlers push them; the host renders them.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub title: String,
    pub body: String,
    /// Where a tap on it leads (the order it is about).
    pub href: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<Toast>>);

const SHOWN_FOR_MS: u64 = 6_000;

impl Toasts {
    pub fn provide() {
        provide_context(Toasts(RwSignal::new(Vec::new())));
    }

    pub fn get() -> Self {
        expect_context()
    }

    pub fn show(&self, title: impl Into<String>, body: impl Into<String>) {
        self.show_linked(title, body, None);
    }

    /// A toast that leads to `href` when tapped.
    pub fn show_linked(
        &self,
        title: impl Into<String>,
        body: impl Into<String>,
        href: Option<String>,
    ) {
        let list = self.0;
        let id = list.with_untracked(|l| l.last().map(|t| t.id + 1).unwrap_or(1));
        list.update(|l| {
            l.push(Toast {
                id,
                title: title.into(),
                body: body.into(),
                href,
            });
            if l.len() > 5 {
                l.remove(0);
            }
        });
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            std::time::Duration::from_millis(SHOWN_FOR_MS),
        );
    }

    fn dismiss(&self, id: u64) {
        self.0.update(|l| l.retain(|t| t.id != id));
    }
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = Toasts::get();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.0.get() key=|t| t.id let:toast>
                <div class="toast">
                    {match toast.href.clone() {
                        Some(href) => view! {
                            <a class="toast-text" href=href on:click=move |_| toasts.dismiss(toast.id)>
                                <strong class="toast-title">{toast.title.clone()}</strong>
                                <p class="toast-body">{toast.body.clone()}</p>
                            </a>
                        }.into_any(),
                        None => view! {
                            <div class="toast-text">
                                <strong class="toast-title">{toast.title.clone()}</strong>
                                <p class="toast-body">{toast.body.clone()}</p>
                            </div>
                        }.into_any(),
                    }}
                    <button class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(toast.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
