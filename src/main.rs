use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    comptoir::cli::run(comptoir::cli::Cli::parse()).await
}
