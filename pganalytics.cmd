@echo off
rem pgAnalytics launcher for Windows: builds what is missing, then runs a part of the product.
rem   pganalytics demo [--headless] [--exit-after 120s] [--verify-within 60s] [--data-dir DIR]
rem                                              the whole product with live data: server, workload, collector, console
rem   pganalytics server [server options]      the server on embedded defaults (see --help)
rem   pganalytics collector [collector options] the collector agent (see --help); 'collector run' with the agent's
rem                                              small-footprint JVM settings (docs\COLLECTOR.md, "Overhead")
rem   pganalytics console [console options]    the JavaFX console
rem   pganalytics bench anomalies [options] / bench throughput [options] / bench [options]
rem                                              the anomaly detectors' benchmarks (docs\ANOMALIES.md), else the tools' (docs\BENCHMARKS.md)
rem Needs a JDK 21 or newer: JAVA_HOME when it points at one, else java on the PATH.
setlocal EnableExtensions
set "ROOT=%~dp0"
if "%ROOT:~-1%"=="\" set "ROOT=%ROOT:~0,-1%"

set "JAVA="
if defined JAVA_HOME call :try_java "%JAVA_HOME%\bin\java.exe"
if not defined JAVA for /f "delims=" %%J in ('where java 2^>nul') do if not defined JAVA call :try_java "%%J"
if not defined JAVA (
  echo pgAnalytics needs a JDK 21 or newer: set JAVA_HOME to one. 1>&2
  exit /b 1
)
rem mvnw.cmd builds with the JDK in JAVA_HOME.
for %%D in ("%JAVA%\..\..") do set "JAVA_HOME=%%~fD"

set "COMMAND=%~1"
set "SUBCOMMAND=%~2"
set "REST="
:collect
shift
if "%~1"=="" goto collected
set REST=%REST% %1
goto collect
:collected

set "SERVER_JAR=%ROOT%\server\target\pganalytics-server.jar"
set "COLLECTOR_JAR=%ROOT%\collector\target\pganalytics-collector.jar"
set "CONSOLE_JAR=%ROOT%\console-app\target\pganalytics-console.jar"
set "ANALYTICS_JAR=%ROOT%\analytics\target\pganalytics-analytics.jar"
rem demo and bench (not anomalies/throughput) run from the tools jar: never installed on database hosts
set "TOOLS_JAR=%ROOT%\tools\target\pganalytics-tools.jar"

if /i "%COMMAND%"=="server" (
  call :build_if_missing "%SERVER_JAR%" || exit /b 1
  "%JAVA%" %PGANALYTICS_JAVA_OPTS% -jar "%SERVER_JAR%" %REST%
  exit /b %ERRORLEVEL%
)
rem The agent's footprint (docs\COLLECTOR.md, "Overhead"): C1 only, a small serial heap for about 8 targets; give
rem more with PGANALYTICS_JAVA_OPTS=-Xmx... (it comes last, so it wins). Compact headers are a product flag from JDK 25.
set "AGENT_OPTS="
if /i "%COMMAND%"=="collector" if /i "%SUBCOMMAND%"=="run" (
  set "AGENT_OPTS=-Xms16m -Xmx64m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
  if %PGA_MAJOR% GEQ 25 set "AGENT_OPTS=-Xms16m -Xmx64m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseCompactObjectHeaders"
)
if /i "%COMMAND%"=="collector" (
  call :build_if_missing "%COLLECTOR_JAR%" || exit /b 1
  "%JAVA%" %AGENT_OPTS% %PGANALYTICS_JAVA_OPTS% -jar "%COLLECTOR_JAR%" %REST%
  exit /b %ERRORLEVEL%
)
if /i "%COMMAND%"=="demo" (
  call :build_if_missing "%SERVER_JAR%" || exit /b 1
  call :build_if_missing "%TOOLS_JAR%" || exit /b 1
  "%JAVA%" %PGANALYTICS_JAVA_OPTS% -jar "%TOOLS_JAR%" demo --server-jar "%SERVER_JAR%" --console-jar "%CONSOLE_JAR%" %REST%
  exit /b %ERRORLEVEL%
)
if /i "%COMMAND%"=="console" (
  call :build_if_missing "%CONSOLE_JAR%" || exit /b 1
  "%JAVA%" %PGANALYTICS_JAVA_OPTS% -jar "%CONSOLE_JAR%" %REST%
  exit /b %ERRORLEVEL%
)
rem The detectors' benchmarks are in the analytics jar; any other bench is the tools' (docs\BENCHMARKS.md).
set "BENCH_JAR=%TOOLS_JAR%"
if /i "%SUBCOMMAND%"=="anomalies" set "BENCH_JAR=%ANALYTICS_JAR%"
if /i "%SUBCOMMAND%"=="throughput" set "BENCH_JAR=%ANALYTICS_JAR%"
if /i "%COMMAND%"=="bench" (
  call :build_if_missing "%BENCH_JAR%" || exit /b 1
  "%JAVA%" %PGANALYTICS_JAVA_OPTS% -jar "%BENCH_JAR%" bench %REST%
  exit /b %ERRORLEVEL%
)
if "%COMMAND%"=="" goto usage
if /i "%COMMAND%"=="help" goto usage
if "%COMMAND%"=="--help" goto usage
if "%COMMAND%"=="-h" goto usage
echo unknown command '%COMMAND%' 1>&2
call :usage 1>&2
exit /b 2

:usage
for /f "tokens=1* delims=:" %%L in ('findstr /n "^rem" "%~f0"') do if %%L LEQ 10 if %%L GEQ 2 (
  set "LINE=%%M"
  call echo(%%LINE:~4%%
)
exit /b 0

rem Sets JAVA to %1 when it is a java.exe of release 21 or newer.
:try_java
if not exist "%~1" exit /b 0
set "PGA_PROPS=%TEMP%\pganalytics-java-%RANDOM%.txt"
"%~1" -XshowSettings:properties -version > "%PGA_PROPS%" 2>&1
set "PGA_MAJOR="
for /f "tokens=2 delims==" %%V in ('findstr /c:"java.specification.version" "%PGA_PROPS%"') do set "PGA_MAJOR=%%V"
del "%PGA_PROPS%" 2>nul
if not defined PGA_MAJOR exit /b 0
set "PGA_MAJOR=%PGA_MAJOR: =%"
for /f "tokens=1 delims=." %%M in ("%PGA_MAJOR%") do set "PGA_MAJOR=%%M"
if %PGA_MAJOR% GEQ 21 set "JAVA=%~1"
exit /b 0

rem Builds everything (mvnw.cmd -q -B -DskipTests install) when the jar %1 is missing.
:build_if_missing
if exist "%~1" exit /b 0
echo building pgAnalytics (mvnw.cmd -q -B -DskipTests install)... 1>&2
pushd "%ROOT%"
call mvnw.cmd -q -B -DskipTests install
set "PGA_BUILD=%ERRORLEVEL%"
popd
if not "%PGA_BUILD%"=="0" exit /b %PGA_BUILD%
if not exist "%~1" (
  echo %~1 was not built 1>&2
  exit /b 1
)
exit /b 0
