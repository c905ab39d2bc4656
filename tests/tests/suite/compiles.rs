//! What must compile, and run: every operation's parameters built with the generated crate
//! (`programs/`, one file per endpoint group), and the README's ```rust blocks as one program
//! (written by `tests/build.rs` from README.md, compiled here, not run: it would call the API).
//! What must not compile is `tests/ui/`'s (trybuild).

#[path = "programs/budget_writes.rs"]
mod budget_writes;
#[path = "programs/organization_reads.rs"]
mod organization_reads;
#[path = "programs/usage_audio_speeches.rs"]
mod usage_audio_speeches;
#[path = "programs/usage_audio_transcriptions.rs"]
mod usage_audio_transcriptions;
#[path = "programs/usage_code_interpreter_sessions.rs"]
mod usage_code_interpreter_sessions;
#[path = "programs/usage_completions.rs"]
mod usage_completions;
#[path = "programs/usage_costs.rs"]
mod usage_costs;
#[path = "programs/usage_embeddings.rs"]
mod usage_embeddings;
#[path = "programs/usage_file_search_calls.rs"]
mod usage_file_search_calls;
#[path = "programs/usage_images.rs"]
mod usage_images;
#[path = "programs/usage_moderations.rs"]
mod usage_moderations;
#[path = "programs/usage_vector_stores.rs"]
mod usage_vector_stores;
#[path = "programs/usage_web_search_calls.rs"]
mod usage_web_search_calls;

#[allow(dead_code, unused_variables)]
mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme_snippets.rs"));
}

#[test]
fn every_program_runs() {
    budget_writes::run();
    organization_reads::run();
    usage_audio_speeches::run();
    usage_audio_transcriptions::run();
    usage_code_interpreter_sessions::run();
    usage_completions::run();
    usage_costs::run();
    usage_embeddings::run();
    usage_file_search_calls::run();
    usage_images::run();
    usage_moderations::run();
    usage_vector_stores::run();
    usage_web_search_calls::run();
}
