//! A failed submit, shown where it helps: an error about a field beside
//! that field (which is marked invalid and gets the focus), anything else
//! above the form's button. Pages branch on the error's `field` and
//! `code`, never on its text. Every read is `try_`: an answer that lands
//! after its form was replaced (a double tap on a button whose first tap
//! already moved the page on) reads nothing, where a plain read of the
//! disposed signal panicked and left the page dead.

use leptos::prelude::*;

use crate::error::ApiError;

#[derive(Clone, Copy)]
pub struct FormErrors {
    error: Signal<Option<ApiError>>,
    /// The inputs this form shows, by their `name` (the server's field name).
    fields: &'static [&'static str],
}

impl FormErrors {
    /// `scope` is the id of the form's element; `error` the last submit's.
    pub fn new(
        scope: impl Into<String>,
        fields: &'static [&'static str],
        error: impl Fn() -> Option<ApiError> + Send + Sync + 'static,
    ) -> Self {
        let error = Signal::derive(error);
        let scope: String = scope.into();
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| {
            let field = error
                .try_with(|e| e.as_ref().and_then(|e| e.field().map(str::to_owned)))
                .flatten();
            if let Some(field) = field.filter(|f| fields.contains(&f.as_str())) {
                focus(&scope, &field);
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = scope;
        Self { error, fields }
    }

    /// The sentence about `field`, if the last error was about it.
    pub fn field(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error
                .try_with(|e| {
                    e.as_ref()
                        .filter(|e| e.field() == Some(field))
                        .map(ApiError::message)
                })
                .flatten()
        })
    }

    /// For `aria-invalid`: set only while `field` has an error.
    pub fn invalid(self, field: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
        move || {
            self.error
                .try_with(|e| e.as_ref().is_some_and(|e| e.field() == Some(field)))
                .unwrap_or(false)
                .then_some("true")
        }
    }

    /// An error that is not about one of this form's inputs.
    pub fn general(self) -> Signal<Option<String>> {
        let fields = self.fields;
        Signal::derive(move || {
            self.error
                .try_with(|e| {
                    e.as_ref()
                        .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
                        .map(ApiError::message)
                })
                .flatten()
        })
    }
}

#[cfg(feature = "hydrate")]
fn focus(scope: &str, field: &str) {
    use wasm_bindgen::JsCast;
    let selector = format!("#{scope} [name=\"{field}\"]");
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// The sentence beside one input; `id` is what the input's
/// `aria-describedby` names.
#[component]
pub fn FieldError(errors: FormErrors, field: &'static str, id: String) -> impl IntoView {
    let message = errors.field(field);
    view! {
        <Show when=move || message.try_get().flatten().is_some()>
            <p class="field-error" id=id.clone() role="alert">{move || message.try_get().flatten()}</p>
        </Show>
    }
}

/// A form-level error line.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.try_get().flatten().is_some()>
            <p class="form-error" role="alert">{move || message.try_get().flatten()}</p>
        </Show>
    }
}
