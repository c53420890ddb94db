//! The chat of one order: history on open, messages live from every
//! participant, "typing…", "Seen", and a queue that holds what is sent
//! while offline and sends it on reconnect (its `clientId` makes a resend
//! harmless).

mod state;

use leptos::prelude::*;

use crate::components::local_time::LocalTime;

use super::session::CurrentUser;
use model::chat::{message_body, ChatMessage};
use state::{now, ChatState};

#[component]
pub fn ChatPanel(
    #[prop(into)] order_id: Signal<Option<model::OrderId>>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    let user = CurrentUser::get();
    let me = Signal::derive(move || user.after_hydration().with(|u| u.as_ref().map(|u| u.id)));
    let state = ChatState {
        order_id,
        messages: RwSignal::new(Vec::new()),
        reads: RwSignal::new(Vec::new()),
        pending: RwSignal::new(Vec::new()),
        typing: RwSignal::new(None),
        open: RwSignal::new(false),
        loaded: RwSignal::new(false),
        error: RwSignal::new(None),
        me,
    };
    state.load_on_open();
    state.follow_live();
    let draft = RwSignal::new(String::new());
    let draft_error = RwSignal::new(None::<String>);
    // A blank draft sends nothing and says nothing: the second tap of a
    // double tap on Send finds the draft the first one just sent and
    // cleared, and is not a mistake to report.
    let blank = move || draft.with(|d| d.trim().is_empty());
    let send = move || {
        if draft.with_untracked(|d| d.trim().is_empty()) {
            return;
        }
        match message_body(&draft.get_untracked()) {
            Ok(body) => {
                draft.set(String::new());
                draft_error.set(None);
                state.queue(body);
            }
            Err(why) => draft_error.set(Some(why.to_owned())),
        }
    };
    let typing_note = move || {
        state
            .typing
            .get()
            .filter(|(_, _, until)| *until > now())
            .map(|(_, name, _)| format!("{name} is typing…"))
    };

    view! {
        <section class="card chat" aria-label="Chat">
            <h2>"Chat"</h2>
            <Show when=move || state.loaded.get() fallback=|| view! { <p class="muted">"Loading chat…"</p> }>
                <ol class="chat-log" aria-live="polite">
                    <For each=move || state.messages.get() key=|m| m.id let:m>
                        <ChatLine message=m state />
                    </For>
                    <For each=move || state.pending_here() key=|p| (p.client_id.clone(), p.error.clone()) let:p>
                        <li class="chat-msg mine pending" data-client-id=p.client_id.clone()>
                            <p class="chat-body">{p.body.clone()}</p>
                            <p class="chat-meta">
                                {match p.error.clone() {
                                    Some(e) => format!("Not sent: {e}"),
                                    None => "Sending…".to_owned(),
                                }}
                            </p>
                        </li>
                    </For>
                </ol>
                <Show when=move || state.messages.with(Vec::is_empty) && state.pending_here().is_empty()>
                    <p class="muted">"No messages yet."</p>
                </Show>
                <p class="chat-typing muted">{typing_note}</p>
                <Show when=move || !read_only && state.open.get()
                    fallback=move || (!read_only).then(|| view! { <p class="muted">"This chat is closed."</p> })>
                    <form class="chat-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
                        <textarea name="message" rows="2" maxlength="2000" placeholder="Write a message"
                            aria-label="Message"
                            prop:value=move || draft.get()
                            on:input=move |ev| { draft.set(event_target_value(&ev)); state.say_typing(); }
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); send(); }
                            }></textarea>
                        <button class="btn btn-primary" type="submit" disabled=blank>"Send"</button>
                    </form>
                    <Show when=move || draft_error.get().is_some()>
                        <p class="form-error" role="alert">{move || draft_error.get()}</p>
                    </Show>
                </Show>
            </Show>
            <Show when=move || state.error.get().is_some()>
                <p class="form-error" role="alert">{move || state.error.get()}</p>
            </Show>
        </section>
    }
}

#[component]
fn ChatLine(message: ChatMessage, state: ChatState) -> impl IntoView {
    let mine = move || state.me.get() == Some(message.sender.id);
    let id = message.id;
    let sender = message.sender.id;
    // "Seen by …" under my newest message, naming whoever else read up to it.
    let seen_by = move || {
        let newest_mine = state.messages.with(|m| {
            m.iter()
                .rev()
                .find(|m| Some(m.sender.id) == state.me.get())
                .map(|m| m.id)
        });
        if newest_mine != Some(id) {
            return None;
        }
        let names: Vec<String> = state.reads.with(|r| {
            r.iter()
                .filter(|r| r.user_id != sender && r.up_to_message_id >= id)
                .map(|r| r.name.clone())
                .collect()
        });
        (!names.is_empty()).then(|| format!("Seen by {}", model::words::and_list(&names)))
    };
    view! {
        <li class="chat-msg" class:mine=mine data-message-id=id.to_string()>
            <p class="chat-meta">
                <strong>{message.sender.name.clone()}</strong>
                " · " <LocalTime at=message.at.clone() />
            </p>
            // Text, never markup: whatever was typed is shown as typed.
            <p class="chat-body">{message.body.clone()}</p>
            {move || seen_by().map(|text| view! { <p class="chat-seen">{text}</p> })}
        </li>
    }
}
