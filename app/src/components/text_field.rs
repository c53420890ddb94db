//! One labelled text input of a form, bound to a signal, with the
//! server's sentence about it beside it (see `form_error`).

use leptos::prelude::*;

use super::form_error::{FieldError, FormErrors};

/// `id` names the input (its error is `{id}-error`); `field` is the
/// server's name for it, which its errors carry.
#[component]
pub fn TextField(
    id: String,
    label: &'static str,
    field: &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=field maxlength=maxlength inputmode=inputmode placeholder=placeholder
            required=required prop:value=move || value.get()
            aria-invalid=errors.invalid(field) aria-describedby=error_id.clone()
            on:input=move |ev| value.set(event_target_value(&ev)) />
        <FieldError errors field id=error_id />
    }
}
