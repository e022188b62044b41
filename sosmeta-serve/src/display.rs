//! The display form of a document for `POST /api/render`: a JSON document, an archive
//! JSON view or a CDA, read by [`sosmeta_kanta::RenderInput`] as `sosmeta render` reads it
//! (content, the definition its header names, the header data the display form shows),
//! rendered by `sosmeta-xhtml` with the release bundle's code sets when it has them.

use sosmeta_kanta::{RenderInput, RenderInputError};
use sosmeta_validate::input::DEFAULT_MAX_SIZE;
use sosmeta_validate::Validator;
use sosmeta_xhtml::Lang;

/// Why a document has no display form.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// The input could not be read, or no definition of the release fits it.
    #[error("{0}")]
    Input(#[from] RenderInputError),
    /// The renderer refused the document.
    #[error("{0}")]
    Render(#[from] sosmeta_xhtml::RenderError),
}

/// The display form (XHTML fragment) of `bytes` in `lang`.
pub fn display_form(
    validator: &Validator,
    bytes: &[u8],
    lang: Lang,
) -> Result<String, DisplayError> {
    let input = RenderInput::read(bytes, DEFAULT_MAX_SIZE)?;
    let def = input.definition(validator.release(), None)?;
    Ok(sosmeta_xhtml::render_fragment_with(
        def,
        &input.content,
        &input.header,
        lang,
        validator.code_sets(),
    )?
    .xhtml)
}
