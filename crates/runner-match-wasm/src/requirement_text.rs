//! `requirementText(requiredTags)`: the canonical text of a requirement, as the core
//! writes it (`impl Display for Requirements`), which the package reads back as the same
//! requirement. A tag-input UI writes a list back with it instead of quoting tags itself.

use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::requirements::requirements_from_js;

/// The requirement as text: a tag list joined by `", "` (every tag quoted, `"` and `\`
/// escaped, when any tag would otherwise read as expression syntax or lose surrounding
/// whitespace), or an expression in canonical form; `''` for no requirement. Passing the
/// text back to any function of the package gives the same requirement. Pure. Throws
/// `invalid_input` for bad requirements, and for preferences (`prefer` / `avoid`), which
/// have no text form.
///
/// ```js
/// requirementText(['gpu a100', 'flux']) // 'gpu a100, flux'
/// requirementText(['gpu a100', 'v2!'])  // '"gpu a100", "v2!"'
/// requirementText('gpu-* &&(flux||sdxl)') // 'gpu-* & (flux | sdxl)'
/// ```
#[wasm_bindgen(js_name = requirementText)]
pub fn requirement_text(
    #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
) -> Result<String, JsValue> {
    let requirements = requirements_from_js(&required_tags)?;
    if !requirements.preferences().is_empty() {
        return Err(Error::invalid_input(
            "requiredTags has preferences (prefer / avoid), which have no text form: pass requiredTags.require",
        )
        .into());
    }
    Ok(requirements.to_string())
}
