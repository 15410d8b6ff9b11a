#include "SourceConversion.h"

#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include <xlsxwriter.h>

#include "creditgw/Json.h"

namespace creditgw::bench {

namespace {

/// One RFC 4180 line (the generator never writes line breaks inside values).
std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else fields.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

Result<std::string> toXlsx(std::ifstream& in, const std::string& out) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    lxw_workbook* book = workbook_new_opt(out.c_str(), &options);
    if (!book) return Status::permanent(out + ": cannot create");
    lxw_worksheet* sheet = workbook_add_worksheet(book, "行政处罚");
    std::string line;
    for (lxw_row_t row = 0; std::getline(in, line); ++row) {
        auto fields = splitCsvLine(line);
        for (std::size_t c = 0; c < fields.size(); ++c)
            if (!fields[c].empty())
                worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), fields[c].c_str(), nullptr);
    }
    if (workbook_close(book) != LXW_NO_ERROR) return Status::permanent(out + ": cannot write");
    return out;
}

Result<std::string> toJsonLines(std::ifstream& in, const std::string& out) {
    std::ofstream json(out, std::ios::binary | std::ios::trunc);
    std::string line;
    std::getline(in, line);
    auto header = splitCsvLine(line);
    while (std::getline(in, line)) {
        auto fields = splitCsvLine(line);
        std::string record = "{";
        for (std::size_t c = 0; c < fields.size() && c < header.size(); ++c) {
            if (fields[c].empty()) continue;
            if (record.size() > 1) record += ',';
            record += jsonString(header[c]) + ":" + jsonString(fields[c]);
        }
        json << record << "}\n";
    }
    json.close();
    if (!json) return Status::permanent(out + ": cannot write");
    return out;
}

Result<std::string> toDatabase(std::ifstream& in, const std::string& csvPath, const std::string& workDir,
                               const std::string& url) {
    if (url.empty())
        return Status::invalidArgument("--source database needs --database-url postgresql://USER@HOST:PORT/DB "
                                       "(or CREDITGW_TEST_POSTGRES)");
    std::string line;
    std::getline(in, line);
    auto header = splitCsvLine(line);
    std::string columns, definitions;
    for (const auto& h : header) {
        columns += (columns.empty() ? "" : ", ") + h;
        definitions += ", " + h + " text";
    }
    std::string script = workDir + "/load.sql";
    std::ofstream(script) << "DROP TABLE IF EXISTS bench_cf;\nCREATE TABLE bench_cf (id bigserial PRIMARY KEY" +
                                 definitions + ");\n\\copy bench_cf (" + columns + ") FROM '" + csvPath +
                                 "' WITH (FORMAT csv, HEADER true)\n";
    std::string command = "psql -q -X -v ON_ERROR_STOP=1 '" + url + "' -f " + script + " >/dev/null";
    if (std::system(command.c_str()) != 0) return Status::permanent("loading the rows into " + url + " failed: " + command);
    Poco::URI uri(url);
    std::string source = workDir + "/bench.dbsource";
    std::ofstream(source) << "name = bench-cf\nconnector = postgresql\nconnect = host=" << uri.getHost()
                          << " port=" << uri.getPort() << " dbname=" << uri.getPath().substr(1)
                          << " user=" << uri.getUserInfo() << "\nquery = SELECT * FROM bench_cf\n"
                          << "watermark = id\npage_size = 1000\n";
    return source;
}

}  // namespace

Result<std::string> convertSource(const std::string& csvPath, const std::string& source, const std::string& workDir,
                                  const std::string& databaseUrl) {
    if (source == "csv") return csvPath;
    std::ifstream in(csvPath, std::ios::binary);
    if (!in) return Status::permanent(csvPath + ": cannot read");
    if (source == "xlsx") return toXlsx(in, workDir + "/bench.xlsx");
    if (source == "json") return toJsonLines(in, workDir + "/bench.jsonl");
    if (source == "database") return toDatabase(in, csvPath, workDir, databaseUrl);
    return Status::invalidArgument("--source must be csv, xlsx, json or database, not \"" + source + "\"");
}

}  // namespace creditgw::bench
