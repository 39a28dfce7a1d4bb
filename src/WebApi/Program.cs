using Kasparro.WebApi.Cli;

// One executable, three commands; KasparroCommandLine holds their options, help texts and exit codes.
var commandLine = new KasparroCommandLine(
    serve: ServeVerb.RunAsync,      // the default: migrations, the ETL on start and on schedule, the HTTP API
    ingest: IngestVerb.RunAsync,    // one run per selected source, a JSON summary line each, then exit
    migrate: MigrateVerb.RunAsync); // pending migrations, then exit
return await commandLine.InvokeAsync(args);

/// <summary>The entry point, visible to the in-process API tests.</summary>
public partial class Program;
